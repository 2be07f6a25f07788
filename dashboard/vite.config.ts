import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  plugins: [svelte()],
  resolve: {
    // Socket.IO message names and payload types are declared once, in the backend, and imported here.
    alias: {
      $contract: fileURLToPath(new URL('../backend/src/live/live.contract.ts', import.meta.url)),
      '$audit-contract': fileURLToPath(new URL('../backend/src/audit/audit.contract.ts', import.meta.url)),
      '$incidents-contract': fileURLToPath(new URL('../backend/src/incidents/incidents.contract.ts', import.meta.url)),
      '$messages-contract': fileURLToPath(new URL('../backend/src/messages/messages.contract.ts', import.meta.url)),
    },
  },
  server: {
    proxy: { '/api': 'http://localhost:3000', '/socket.io': { target: 'http://localhost:3000', ws: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
});
