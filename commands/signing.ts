// Buttons and forms carry signed tokens: a click can only do what the bot offered, the
// clicker's role is checked again when it arrives, and an old button expires. The key lives
// in the store so tokens survive restarts and are shared by replicas.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../src/domain/errors';

const ActionPayload = z.object({
  k: z.literal('act'),
  /** The command line to run as confirmed, e.g. `delete bk-20261124-0230-prod-1`. */
  c: z.string().min(1).max(500),
  /** Expiry, epoch seconds. */
  x: z.number().int(),
  /** A nonce: two buttons offered for the same command are two buttons (each works once). */
  n: z.string().max(16).optional(),
});

const FormPayload = z.object({
  k: z.literal('form'),
  f: z.string().min(1).max(40),
  /** Form-specific data (instance id, version seen). */
  d: z.record(z.string(), z.union([z.string(), z.number()])),
  x: z.number().int(),
});

export type ActionToken = z.infer<typeof ActionPayload>;
export type FormToken = z.infer<typeof FormPayload>;

const PREFIX = 'b1';

export class TokenSigner {
  constructor(private readonly key: Buffer) {
    if (key.length < 16) throw new Error('the signing key must be at least 16 bytes');
  }

  static newKey(): string {
    return randomBytes(32).toString('hex');
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 32);
  }

  private seal(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${PREFIX}.${body}.${this.mac(body)}`;
  }

  private open(token: string, now: Date): unknown {
    const parts = typeof token === 'string' ? token.split('.') : [];
    if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 2000) {
      throw new UserError('that button or form is not one this bot made; run the command again');
    }
    const [, body, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new UserError('that button or form is not one this bot made; run the command again');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new UserError('that button or form is damaged; run the command again');
    }
    const exp = (payload as { x?: unknown }).x;
    if (typeof exp === 'number' && exp * 1000 < now.getTime()) {
      throw new UserError('that button or form has expired; run the command again');
    }
    return payload;
  }

  action(command: string, ttlSeconds: number, now: Date): string {
    const payload: ActionToken = { k: 'act', c: command, x: Math.floor(now.getTime() / 1000) + ttlSeconds, n: randomBytes(6).toString('base64url') };
    return this.seal(payload);
  }

  form(formId: string, data: Record<string, string | number>, ttlSeconds: number, now: Date): string {
    const payload: FormToken = { k: 'form', f: formId, d: data, x: Math.floor(now.getTime() / 1000) + ttlSeconds };
    return this.seal(payload);
  }

  readAction(token: string, now: Date): ActionToken {
    const parsed = ActionPayload.safeParse(this.open(token, now));
    if (!parsed.success) throw new UserError('that is not a button of this bot; run the command again');
    return parsed.data;
  }

  readForm(token: string, now: Date): FormToken {
    const parsed = FormPayload.safeParse(this.open(token, now));
    if (!parsed.success) throw new UserError('that is not a form of this bot; run the command again');
    return parsed.data;
  }
}
