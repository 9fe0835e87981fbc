// The web console (apps/console, built into dist/console) served by the API
// itself: the page at / and its hashed assets at /assets, read and compressed
// (brotli, gzip) once at start. Nothing is looked up on disk per request, so
// no request can reach a file that is not an asset.
import { INestApplication } from '@nestjs/common';
import express, { Request, Response } from 'express';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** dist/console beside the build (dist/apps/api/src) or the sources (apps/api/src, under ts-jest). */
export function consoleDir(): string | undefined {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'dist', 'console');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.basename(dir) === 'dist' && fs.existsSync(path.join(dir, 'console', 'index.html'))) return path.join(dir, 'console');
    dir = path.dirname(dir);
  }
  return undefined;
}

const SECURITY_HEADERS = {
  // Own scripts and styles only; the API and its subscriptions are same-origin.
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#b91c1c"/><path d="M44 22a15 15 0 1 0 0 20" fill="none" stroke="#fff" stroke-width="7" stroke-linecap="round"/></svg>`;

export function serveConsole(app: INestApplication, dir = consoleDir()): void {
  const http = app.getHttpAdapter().getInstance() as express.Express;
  if (!dir) {
    http.get('/', (_req: Request, res: Response) => {
      res.type('text/plain').send('The console is not built: run `npm run build` (npm start does it). The API is at /api/v1, GraphQL at /graphql.\n');
    });
    return;
  }
  const index = fs.readFileSync(path.join(dir, 'index.html'));
  // The icon (browsers ask for /favicon.ico whatever the page says): kept in memory like the page.
  http.get(['/favicon.svg', '/favicon.ico'], (_req: Request, res: Response) => {
    res
      .set({ ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=86400' })
      .type('image/svg+xml')
      .send(FAVICON);
  });
  http.get('/', (_req: Request, res: Response) => {
    res
      .set({ ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' })
      .type('html')
      .send(index);
  });
  const assets = loadAssets(path.join(dir, 'assets'));
  http.get('/assets/:name', (req: Request, res: Response) => {
    const asset = assets.get(String(req.params.name));
    if (!asset) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    res.set({ ...SECURITY_HEADERS, 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Encoding' }).type(asset.type);
    if (encoding !== 'identity') res.set('Content-Encoding', encoding);
    res.send(asset[encoding]);
  });
}

interface Asset {
  type: string;
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** Every built asset by name, with its compressed forms (the console's: about 550 kB, 170 kB compressed; a few tens of ms at start). */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!fs.existsSync(dir)) return assets;
  for (const name of fs.readdirSync(dir)) {
    const identity = fs.readFileSync(path.join(dir, name));
    assets.set(name, {
      type: path.extname(name),
      identity,
      br: zlib.brotliCompressSync(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
      gzip: zlib.gzipSync(identity, { level: 9 }),
    });
  }
  return assets;
}

/** The encoding to answer in: brotli, then gzip, when the request takes it (q=0 refuses). */
export function chooseEncoding(header: string | string[] | undefined): 'br' | 'gzip' | 'identity' {
  const accepted = new Set(
    String(header ?? '')
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, ...params]) => !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p)))
      .map(([coding]) => coding.trim().toLowerCase()),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return 'identity';
}
