//go:build tools

// Package tools pins the Jaeger command that testkit builds.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
