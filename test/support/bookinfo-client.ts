// A browser's view of Bookinfo through the ingress gateway: pages, sign-in, and which reviews
// version answered (by the stars the page shows).

import { request } from 'node:http';

export interface Page {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export class BookinfoClient {
  private readonly host: string;
  private readonly port: number;

  /** `gateway` as the ingress service's address reads: "IP" or "IP:PORT". */
  constructor(gateway: string) {
    [this.host, this.port] = gateway.includes(':') ? [gateway.split(':')[0]!, Number(gateway.split(':')[1])] : [gateway, 80];
  }

  get(path: string, method = 'GET', form?: string, cookie?: string): Promise<Page> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      if (cookie) headers.cookie = cookie;
      const req = request({ host: this.host, port: this.port, path, method, headers, agent: false, timeout: 20_000 }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(form);
    });
  }

  /** Signs in as `user` (any password, as Bookinfo takes) and returns the session cookie. */
  async login(user: string): Promise<string> {
    const r = await this.get('/login', 'POST', `username=${encodeURIComponent(user)}&passwd=${encodeURIComponent(user)}`);
    const cookie = String(r.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    if (r.status !== 302 || !cookie) throw new Error(`sign-in as ${user} answered ${r.status}`);
    return cookie;
  }

  /** The reviews version behind the product page: "none" (v1), "black" (v2) or "red" (v3). */
  async stars(cookie?: string): Promise<string> {
    const page = await this.get('/productpage', 'GET', undefined, cookie);
    if (page.status !== 200) throw new Error(`/productpage answered ${page.status}`);
    return starColor(page.body);
  }
}

/** Which reviews version answered, by the stars the page shows. */
export function starColor(html: string): string {
  const m = /<font color="(\w+)">\s*(?:<!--[^>]*-->\s*)?<span class="glyphicon glyphicon-star/.exec(html);
  return m ? m[1]! : 'none';
}
