import { mount } from 'svelte';
import App from './App.svelte';
import { app } from './lib/app.svelte.ts';
import './petugas.css';

const target = document.getElementById('app');
if (!target) throw new Error('no #app element');
mount(App, { target });
void app.start();

// The worker (Workbox, generated at build time) keeps the app shell for offline starts. Registered here because the
// CSP allows no inline script; scope /petugas is allowed by the server's Service-Worker-Allowed header.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  void navigator.serviceWorker.register('/petugas/sw.js', { scope: '/petugas' }).catch(() => undefined);
}
