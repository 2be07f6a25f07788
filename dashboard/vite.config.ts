import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

/**
 * Modules declared once in the backend and imported here (never copied): the Socket.IO contract, the audit contract,
 * the C.Hasil consistency rules the server decides with (the officers' app checks them as the monitor types),
 * the incident categories' names the PDF report prints, and the incident and message contracts of the posko console.
 */
export const sharedAlias = {
  $contract: fileURLToPath(new URL('../backend/src/live/live.contract.ts', import.meta.url)),
  '$audit-contract': fileURLToPath(new URL('../backend/src/audit/audit.contract.ts', import.meta.url)),
  '$tally-rules': fileURLToPath(new URL('../backend/src/tps/tally-rules.ts', import.meta.url)),
  '$incident-labels': fileURLToPath(new URL('../backend/src/tps/incident-labels.ts', import.meta.url)),
  '$incidents-contract': fileURLToPath(new URL('../backend/src/incidents/incidents.contract.ts', import.meta.url)),
  '$messages-contract': fileURLToPath(new URL('../backend/src/messages/messages.contract.ts', import.meta.url)),
};

/** The posko wall and the auditor screens, served at /. The officers' app has its own build: vite.petugas.config.ts. */
export default defineConfig({
  plugins: [svelte()],
  resolve: { alias: sharedAlias },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});
