#!/usr/bin/env node
// llmctl: the Switchyard command line. Each workspace contributes its commands; errors end as one line and a non-zero exit.
console.error('llmctl: no commands yet');
process.exit(1);
