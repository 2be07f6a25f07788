import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { fileURLToPath } from 'node:url';
import { sharedAlias } from './vite.config.ts';

/**
 * The officers' app at /petugas: its own bundle (a phone on 3G loads only this), built into dist/petugas after the
 * wall's build. Workbox precaches the app shell, so after one visit the app opens with no network. The worker is
 * registered by main.ts (the CSP allows no inline script) with scope /petugas, which the server allows through the
 * Service-Worker-Allowed header; the wall at / is outside its scope.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src/petugas', import.meta.url)),
  base: '/petugas/',
  plugins: [
    svelte(),
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      scope: '/petugas',
      includeAssets: ['icon-192.png', 'icon-512.png'],
      manifest: {
        id: '/petugas/',
        name: 'Sipantaumilu Petugas TPS',
        short_name: 'Petugas TPS',
        description: 'Laporan petugas pemantau TPS Kota Lubuklinggau: hadir, hasil hitung, koreksi, insiden, foto.',
        lang: 'id',
        start_url: '/petugas/',
        scope: '/petugas',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0a3d8f',
        background_color: '#ffffff',
        icons: [
          { src: '/petugas/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/petugas/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/petugas/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,webmanifest}'],
        navigateFallback: '/petugas/index.html',
        navigateFallbackAllowlist: [/^\/petugas(\/|$)/],
        // The API is never cached by the worker: reports go through the IndexedDB outbox, reads through the app's own cache.
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  resolve: { alias: sharedAlias },
  server: { proxy: { '/api': 'http://localhost:3000' } },
  build: { outDir: fileURLToPath(new URL('./dist/petugas', import.meta.url)), emptyOutDir: true },
});
