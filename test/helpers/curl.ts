/**
 * Runs the real curl with a seed's own arguments, adding only flags that
 * capture the response (-sS, -D -), so what the server sees is what the
 * seed's reader would send.
 */
import { execFile } from 'node:child_process';

export interface CurlResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function curl(args: string[]): Promise<CurlResponse> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '-D', '-', ...args], { timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`curl failed: ${stderr || error.message}`));
      // With --location there may be several header blocks; the last one answers.
      const blocks = stdout.split(/\r\n\r\n/);
      let i = 0;
      while (i + 1 < blocks.length && /^HTTP\/\S+ \d{3}/.test(blocks[i + 1]!)) i++;
      const head = blocks[i]!.split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, headers, body: blocks.slice(i + 1).join('\r\n\r\n') });
    });
  });
}
