import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run build` builds the console into web/dist, which `keepwatch serve` serves.
// `npx vite web` serves it with hot reload, talking to a Keepwatch on :8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 900 },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
