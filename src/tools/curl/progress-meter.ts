// curl's progress meter, drawn on stderr whenever the body is not going to a
// terminal. Lines are redrawn with \r when the wall-clock second changes and
// once more, followed by \n, when a request finishes.

const KB = 1024;
const MB = KB * 1024;
const GB = MB * 1024;
const TB = GB * 1024;

const HEADER =
  '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n' +
  '                                 Dload  Upload   Total   Spent    Left  Speed\n';

/** Five characters for a byte count or rate, as progress.c's max5data. */
export function max5(bytes: number): string {
  const n = Math.max(0, Math.floor(bytes));
  const pad = (s: string): string => s.padStart(5, ' ');
  if (n < 100000) return pad(String(n));
  if (n < 10000 * KB) return pad(`${Math.floor(n / KB)}k`);
  if (n < 100 * MB) return pad(`${Math.floor(n / MB)}.${Math.floor((n % MB) / (MB / 10))}M`);
  if (n < 10000 * MB) return pad(`${Math.floor(n / MB)}M`);
  if (n < 100 * GB) return pad(`${Math.floor(n / GB)}.${Math.floor((n % GB) / (GB / 10))}G`);
  if (n < 10000 * GB) return pad(`${Math.floor(n / GB)}G`);
  if (n < 10000 * TB) return pad(`${Math.floor(n / TB)}T`);
  return pad(`${Math.floor(n / (TB * 1024))}P`);
}

/** Eight characters of hh:mm:ss, "--:--:--" when unknown. */
export function timeField(seconds: number): string {
  const s = Math.floor(seconds);
  if (s <= 0) return '--:--:--';
  const h = Math.floor(s / 3600);
  if (h <= 99) {
    const m = Math.floor((s - h * 3600) / 60);
    const sec = s - h * 3600 - m * 60;
    return `${String(h).padStart(2, ' ')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  }
  const d = Math.floor(s / 86400);
  const hours = Math.floor((s - d * 86400) / 3600);
  if (d <= 999) return `${String(d).padStart(3, ' ')}d ${String(hours).padStart(2, '0')}h`;
  return `${String(d).padStart(7, ' ')}d`;
}

function percent(done: number, total: number): number {
  if (total > 10000) return Math.floor(done / Math.floor(total / 100));
  if (total > 0) return Math.floor((done * 100) / total);
  return 0;
}

/** Bytes per second from a microsecond span, as curl's trspeed. */
function rate(bytes: number, micros: number): number {
  return micros < 1 ? bytes * 1_000_000 : Math.floor((bytes * 1_000_000) / micros);
}

export class ProgressMeter {
  private headerShown = false;
  private lastShownSecond = -1;
  private startedAt = 0n;
  private downloaded = 0;
  private uploaded = 0;
  private downloadSize: number | undefined;
  private uploadSize: number | undefined;
  /** Samples for the "Current" column: curl averages over the last few seconds. */
  private samples: Array<{ at: bigint; bytes: number }> = [];
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (text: string) => void,
    readonly enabled: boolean,
  ) {}

  /** A new request on the same command-line URL: counters restart, the header does not. */
  begin(): void {
    if (!this.enabled) return;
    this.startedAt = process.hrtime.bigint();
    this.downloaded = 0;
    this.uploaded = 0;
    this.downloadSize = undefined;
    this.uploadSize = undefined;
    this.samples = [{ at: this.startedAt, bytes: 0 }];
    this.update();
    this.ticker ??= setInterval(() => this.update(), 250);
    this.ticker.unref();
  }

  /** A retry redraws from scratch, where a redirect would not. */
  restart(): void {
    this.lastShownSecond = -1;
  }

  setDownloadSize(size: number | undefined): void {
    this.downloadSize = size;
  }

  setUploadSize(size: number | undefined): void {
    this.uploadSize = size;
  }

  addDownloaded(bytes: number): void {
    this.downloaded += bytes;
    this.update();
  }

  addUploaded(bytes: number): void {
    this.uploaded += bytes;
    this.update();
  }

  /** The request is over: draw the final figures and end the line. */
  finish(): void {
    if (!this.enabled) return;
    this.draw();
    this.write('\n');
    this.lastShownSecond = Math.floor(Date.now() / 1000);
    this.stop();
  }

  /** Stop redrawing; the line is left as it is (curl does this when name resolution fails). */
  stop(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private update(): void {
    if (!this.enabled) return;
    const second = Math.floor(Date.now() / 1000);
    if (second === this.lastShownSecond) return;
    this.lastShownSecond = second;
    this.draw();
  }

  private draw(): void {
    if (!this.headerShown) {
      this.write(HEADER);
      this.headerShown = true;
    }
    const now = process.hrtime.bigint();
    const micros = Number((now - this.startedAt) / 1000n);
    const spent = Math.floor(micros / 1_000_000);
    const dlSpeed = rate(this.downloaded, micros);
    const ulSpeed = rate(this.uploaded, micros);

    const last = this.samples[this.samples.length - 1];
    const total = this.downloaded + this.uploaded;
    if (!last || now - last.at >= 1_000_000_000n) this.samples.push({ at: now, bytes: total });
    if (this.samples.length > 6) this.samples.shift();
    const first = this.samples[0] ?? { at: this.startedAt, bytes: 0 };
    const spanMs = Math.max(1, Number((now - first.at) / 1_000_000n));
    const current = spent < 1 ? dlSpeed + ulSpeed : Math.floor(((total - first.bytes) * 1000) / spanMs);

    let dlEstimate = 0;
    let ulEstimate = 0;
    let dlPercent = 0;
    let ulPercent = 0;
    if (this.downloadSize !== undefined && dlSpeed > 0) {
      dlEstimate = Math.floor(this.downloadSize / dlSpeed);
      dlPercent = percent(this.downloaded, this.downloadSize);
    }
    if (this.uploadSize !== undefined && ulSpeed > 0) {
      ulEstimate = Math.floor(this.uploadSize / ulSpeed);
      ulPercent = percent(this.uploaded, this.uploadSize);
    }
    const estimate = Math.max(dlEstimate, ulEstimate);
    const expected = (this.uploadSize ?? this.uploaded) + (this.downloadSize ?? this.downloaded);
    const totalPercent = percent(total, expected);

    const p3 = (n: number): string => String(n).padStart(3, ' ');
    this.write(
      `\r${p3(totalPercent)} ${max5(expected)}  ${p3(dlPercent)} ${max5(this.downloaded)}  ` +
        `${p3(ulPercent)} ${max5(this.uploaded)}  ${max5(dlSpeed)}  ${max5(ulSpeed)} ` +
        `${timeField(estimate)} ${timeField(spent)} ${timeField(estimate > 0 ? estimate - spent : 0)} ${max5(current)}`,
    );
  }
}
