import { backendInfo, useBackend } from '../../backend/index.js';
import { ulasanVersion } from '../../internal/version.js';
import type { Command } from '../command.js';

/** `ulasan info`: version, Node, and which compute backend is active and why. */
export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the ulasan version and the compute backend in use',
  help: `Usage: ulasan info [--backend NAME] [--json]

Initialises the compute backend (ULASAN_BACKEND or --backend, default "auto") and reports it.

Options:
  --backend NAME   cpu | wasm | tensorflow | tensorflow-gpu | webgpu | auto`,
  options: { backend: { type: 'string' } },
  async run(ctx) {
    const requested = typeof ctx.values.backend === 'string' ? ctx.values.backend : undefined;
    await useBackend(requested);
    const info = { version: ulasanVersion(), node: process.version, ...backendInfo() };
    if (ctx.json) ctx.out(`${JSON.stringify(info)}\n`);
    else
      for (const [k, v] of Object.entries(info))
        ctx.print(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
    return 0;
  },
};
