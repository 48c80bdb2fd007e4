export interface KeptMessage {
  receivedAt: string;
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every href in the HTML body. */
  links: string[];
  /** The .json file it is kept in. */
  file: string;
}

export interface MailSink {
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export declare function startMailSink(options: { dir: string; port?: number; onMessage?: (message: KeptMessage) => void }): Promise<MailSink>;
export declare function linksIn(html: string): string[];
export declare function readMessages(dir: string): Promise<KeptMessage[]>;
export declare function waitForMessage(dir: string, matches: (message: KeptMessage) => boolean, options?: { timeoutMs?: number }): Promise<KeptMessage>;
export declare function describeMessage(message: KeptMessage): string;
