// The name `nc -v` shows for a port, as getservbyport would find it in /etc/services; `*` when unknown.
// A short table of the common ones, so what nc prints does not depend on the host it runs on.

const TCP_SERVICES: ReadonlyMap<number, string> = new Map([
  [21, 'ftp'],
  [22, 'ssh'],
  [23, 'telnet'],
  [25, 'smtp'],
  [53, 'domain'],
  [80, 'http'],
  [110, 'pop3'],
  [143, 'imap2'],
  [443, 'https'],
  [3306, 'mysql'],
  [5432, 'postgresql'],
]);

export function tcpServiceName(port: number): string {
  return TCP_SERVICES.get(port) ?? '*';
}
