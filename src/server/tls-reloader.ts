/**
 * Keeps an HTTPS server's certificate current: the certificate and key files
 * are read again on SIGHUP and when either file changes (a renewal by
 * certbot, cert-manager or an operator), checked as a pair, and swapped in
 * with `setSecureContext`. Connections already open keep the context they
 * started with; new handshakes get the new one; nothing is dropped. A pair
 * that does not load (half-written, mismatched) is logged and the current one
 * stays.
 *
 * The files' directories are watched rather than the files, because renewals
 * usually replace a file (write elsewhere, rename over it, or swap a symlink),
 * which a watch on the old file would not see.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { createSecureContext, type Server as TlsServer } from 'node:tls';
import { secureContextOptions, type TlsMaterial } from '../http/tls.ts';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** Reads the pair and checks they load together (a key that does not match the certificate throws). */
export async function readTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(files.cert), readFile(files.key)]);
  const material = { cert, key };
  createSecureContext(secureContextOptions(material));
  return material;
}

export interface TlsReloaderOptions {
  files: TlsFiles;
  server: TlsServer;
  onReload(): void;
  onError(error: unknown): void;
  /** Quiet time after the last file event before reading (a renewal writes both files). */
  settleMs?: number;
}

export interface TlsReloader {
  /** Reads the files now and swaps them in; resolves true when the new pair was taken. */
  reload(): Promise<boolean>;
  stop(): void;
}

export function startTlsReloader(options: TlsReloaderOptions): TlsReloader {
  const { files, server } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const reload = async () => {
    try {
      const material = await readTlsMaterial(files);
      if (stopped) return false;
      server.setSecureContext(secureContextOptions(material));
      options.onReload();
      return true;
    } catch (error) {
      options.onError(error);
      return false;
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.settleMs ?? 200);
  };
  const names = new Set([basename(files.cert), basename(files.key)]);
  const watchers: FSWatcher[] = [];
  for (const dir of new Set([dirname(files.cert), dirname(files.key)])) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(name.toString())) soon();
      });
      watcher.on('error', options.onError);
      watchers.push(watcher);
    } catch (error) {
      options.onError(error); // SIGHUP still reloads
    }
  }
  const onHangup = () => void reload();
  process.on('SIGHUP', onHangup);
  return {
    reload,
    stop() {
      stopped = true;
      clearTimeout(timer);
      process.off('SIGHUP', onHangup);
      for (const watcher of watchers) watcher.close();
    },
  };
}
