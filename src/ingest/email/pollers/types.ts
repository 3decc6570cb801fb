// A polled mailbox (IMAP, Microsoft Graph): fetch what waits in the folder, hand each message to
// durable storage, and only then move it to the processed folder, so a crash between the two
// leaves the message in place to be fetched (and de-duplicated) again.
export interface PolledMessage {
  raw: Buffer;
  /** Recipients as the server reports them (To and Cc), case kept: check keys are case-sensitive. */
  recipients: string[];
  /** Stable per message within the mailbox: de-duplicates a copy fetched twice. */
  remoteKey: string;
}

export type StoreMessage = (message: PolledMessage) => Promise<void>;

export interface TestStep {
  step: string;
  ok: boolean;
  message: string;
}

export interface MailboxPoller {
  /** Fetches up to `limit` messages, storing each before moving it; answers how many it moved. */
  poll(store: StoreMessage, limit: number): Promise<number>;
  /** Checks the connection step by step, reading only: fetches, moves and creates nothing. */
  test(): Promise<TestStep[]>;
}

/** A failure that says the credentials or consent are wrong (not worth retrying soon). */
export class MailboxAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailboxAuthError';
  }
}
