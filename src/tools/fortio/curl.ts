// `fortio curl`: one request, the response head and body written to stdout as received; any code but 200
// is an error (exit status 1), as with fortio's client.

import http from 'node:http';
import { requestOptions, type Target } from './http-target.js';

export interface CurlResult {
  code: number;
  /** Status line, headers and body, as fortio prints them. */
  output: Buffer;
}

export function fetchOnce(target: Target): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(requestOptions(target, false), (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        let head = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n`;
        for (let i = 0; i < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
        resolve({ code: res.statusCode ?? -1, output: Buffer.concat([Buffer.from(`${head}\r\n`), ...chunks]) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(target.body);
  });
}
