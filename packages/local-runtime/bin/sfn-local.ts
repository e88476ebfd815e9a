#!/usr/bin/env -S npx ts-node --transpile-only
/**
 * The local runtime on its own: an empty runtime to deploy into through the AWS APIs (`serve`),
 * one definition run once (`run`), or an execution's history (`history`). `--help` lists the options.
 */
import { runCli } from '../src';

runCli(process.argv.slice(2));
