//go:build tools

// Package tools pins the OpenTofu command that deploy/scripts/install-tofu.sh builds.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
