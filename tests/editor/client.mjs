// A small LSP client over stdio: enough to drive yaml-language-server as an editor does
// (open a document, wait for its diagnostics, ask for completion and hover).

import { spawn } from "node:child_process";

export class Client {
  /** Starts `command args...` and initializes it with `settings` as the `yaml` section. */
  static async start(command, args, rootUri, settings) {
    const client = new Client(spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] }));
    client.settings = settings;
    await client.request("initialize", {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "quickwin" }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] },
          },
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: { relatedInformation: true },
        },
      },
    });
    client.notify("initialized", {});
    client.notify("workspace/didChangeConfiguration", { settings: { yaml: settings } });
    return client;
  }

  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.diagnostics = new Map(); // uri -> list of waiters or the last diagnostics
    this.waiters = new Map();
    this.buffer = Buffer.alloc(0);
    this.versions = new Map();
    child.stdout.on("data", (chunk) => this.receive(chunk));
    child.on("exit", (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`the server exited (${code})`));
    });
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString("ascii");
      const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(JSON.parse(body));
    }
  }

  dispatch(message) {
    if (message.id !== undefined && message.method === undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiter) return;
      if (message.error) waiter.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else waiter.resolve(message.result);
    } else if (message.id !== undefined) {
      this.send({ jsonrpc: "2.0", id: message.id, result: this.answer(message) });
    } else if (message.method === "textDocument/publishDiagnostics") {
      const { uri, diagnostics } = message.params;
      const waiters = this.waiters.get(uri) ?? [];
      this.waiters.delete(uri);
      for (const resolve of waiters) resolve(diagnostics);
    }
  }

  /** What the server asks the editor: its settings, and nothing else. */
  answer(message) {
    if (message.method === "workspace/configuration") {
      return message.params.items.map((item) => {
        if (item.section === "yaml") return this.settings;
        if (item.section === "editor") return { tabSize: 2, insertSpaces: true };
        return null;
      });
    }
    return null;
  }

  send(message) {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  request(method, params) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method, params) {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** The diagnostics the server publishes next for `uri`. */
  nextDiagnostics(uri, timeoutMs = 20000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} in ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiters.get(uri) ?? [];
      list.push((d) => {
        clearTimeout(timer);
        resolve(d);
      });
      this.waiters.set(uri, list);
    });
  }

  /** Opens (or replaces) a document and waits for its diagnostics (unless `wait` is false). */
  async open(uri, text, { wait = true } = {}) {
    const next = wait ? this.nextDiagnostics(uri) : Promise.resolve(null);
    const version = (this.versions.get(uri) ?? 0) + 1;
    if (version === 1) {
      this.notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version, text } });
    } else {
      this.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    }
    this.versions.set(uri, version);
    return next;
  }

  close(uri) {
    this.notify("textDocument/didClose", { textDocument: { uri } });
    this.versions.delete(uri);
  }

  completion(uri, position) {
    return this.request("textDocument/completion", { textDocument: { uri }, position });
  }

  hover(uri, position) {
    return this.request("textDocument/hover", { textDocument: { uri }, position });
  }

  async stop() {
    await this.request("shutdown", null);
    this.notify("exit", null);
  }
}
