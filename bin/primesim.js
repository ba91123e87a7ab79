#!/usr/bin/env node
// Launcher: registers tsx so the TypeScript CLI runs with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
