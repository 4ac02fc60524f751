/**
 * The lab administrator's API: `POST /admin` on 127.0.0.1 with `Authorization: Bearer <token>`
 * and a JSON array of words (`["add-contact","alex","Partners","dana"]`), answered with what was
 * done (200) or why not (400). `npm run lab -- admin …` and tests use it.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { LabAdmin } from './index';
import { runAdminCommand } from './commands';

export interface LabAdminServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export async function startLabAdminServer(admin: LabAdmin): Promise<LabAdminServer> {
  const token = randomBytes(16).toString('hex');
  const server = http.createServer((req, res) => {
    const answer = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (req.method !== 'POST' || req.url !== '/admin') return answer(404, 'POST /admin only');
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, 'wrong or missing admin token');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let words: unknown;
      try {
        words = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, 'the body must be a JSON array of words');
      }
      if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) return answer(400, 'the body must be a JSON array of words');
      runAdminCommand(admin, words).then(
        (done) => answer(200, done),
        (error: Error) => answer(400, error.message),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/admin`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends one command to a running lab's admin API; resolves with its answer, rejects with its refusal. */
export async function sendAdminCommand(url: string, token: string, words: string[]): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(words),
  });
  const text = (await response.text()).trim();
  if (!response.ok) throw new Error(text);
  return text;
}
