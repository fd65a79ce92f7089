#!/usr/bin/env node
// llmctl: the Switchyard command line. Each workspace contributes its commands (see cli.ts); errors end as
// one line on stderr and a non-zero exit.
import { processIo } from '@switchyard/registry';
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2), { io: processIo, env: process.env });
