// Progress of a long command on stderr: a bar with the rate and ETA on a
// terminal (cli-progress), a plain line every few seconds otherwise (logs, CI).
import { SingleBar } from 'cli-progress';

export interface ProgressState {
  phase: string;
  /** 0-100 */
  percent: number;
  /** Units done so far (rows, events): the rate is theirs. */
  done: number;
  /** Anything else worth a glance ("3 rejected"). */
  note?: string;
}

export interface ProgressDisplay {
  update: (state: ProgressState) => void;
  stop: () => void;
}

export function progressDisplay(what: string, unit: string): ProgressDisplay {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const rate = (s: ProgressState) => Math.round(s.done / Math.max(0.001, elapsed()));
  const eta = (s: ProgressState) => (s.percent > 0 ? `${Math.round((elapsed() * (100 - s.percent)) / s.percent)} s` : '-');
  const note = (s: ProgressState) => (s.note ? ` | ${s.note}` : '');
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${what} [{bar}] {percentage}% {phase} | {done} ${unit} | {rate} ${unit}/s | ETA {eta}{note}`,
      stream: process.stderr,
      hideCursor: true,
    });
    bar.start(100, 0, { phase: 'starting', done: 0, rate: 0, eta: '-', note: '' });
    return {
      update: (s) => bar.update(Math.floor(s.percent), { phase: s.phase, done: s.done, rate: rate(s), eta: eta(s), note: note(s) }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  let latest: ProgressState | undefined;
  const line = (s: ProgressState) =>
    process.stderr.write(`${what}: ${s.phase}, ${s.done} ${unit} (${Math.floor(s.percent)}%), ${rate(s)} ${unit}/s, ETA ${eta(s)}${s.note ? `, ${s.note}` : ''}\n`);
  return {
    update: (s) => {
      latest = s;
      if (Date.now() - last < 2_000) return;
      last = Date.now();
      line(s);
    },
    stop: () => latest && line(latest),
  };
}
