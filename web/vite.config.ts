import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import type { ComponentResolver } from 'unplugin-vue-components';

// Element Plus on demand, each component from its own module.  (The stock
// ElementPlusResolver imports from 'element-plus/es', whose index keeps every
// component alive: the bundle came out as large as the full import.)
const epDir = fileURLToPath(new URL('./node_modules/element-plus/es/components', import.meta.url));
const home = new Map<string, string>(); // ElTableColumn -> table
for (const d of fs.existsSync(epDir) ? fs.readdirSync(epDir) : []) {
  const f = path.join(epDir, d, 'index.mjs');
  if (!fs.existsSync(f)) continue;
  for (const m of fs.readFileSync(f, 'utf8').matchAll(/export\s*\{([^}]*)\}/g))
    for (const part of m[1].split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if (/^El[A-Z]/.test(name) && !home.has(name)) home.set(name, d);
    }
}
const kebab = (n: string) => n.slice(2).replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const styleOf = (name: string, dir: string) => {
  const own = kebab(name);
  const d = fs.existsSync(path.join(epDir, own, 'style/css.mjs')) ? own : dir;
  return `element-plus/es/components/${d}/style/css`;
};
const elementPlus: ComponentResolver[] = [
  {
    type: 'component',
    resolve(name: string) {
      const dir = home.get(name);
      if (dir) return { name, from: `element-plus/es/components/${dir}/index.mjs`, sideEffects: [styleOf(name, dir)] };
    },
  },
  {
    type: 'directive',
    resolve(name: string) {
      if (name === 'Loading')
        return { name: 'ElLoadingDirective', from: 'element-plus/es/components/loading/index.mjs', sideEffects: ['element-plus/es/components/loading/style/css'] };
    },
  },
];

// The built files go to web/dist, which `aftersales serve` serves (web_dir).
// `npm run dev` proxies /api to a server on 127.0.0.1:8080 (`make run`).
export default defineConfig({
  plugins: [vue(), Components({ resolvers: elementPlus, dts: 'src/components.d.ts' })],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        manualChunks(id) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') || id.includes('vue-echarts')) return 'charts';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element';
          if (id.includes('node_modules')) return 'vendor';
        },
      },
    },
  },
});
