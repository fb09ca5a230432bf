// A frame made once and written whole to each subscriber's TCP socket must read, at a real WebSocket client,
// exactly as the message ws itself would have sent, at every length encoding (7-bit, 16-bit and 64-bit).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrame } from '../../../server/graphql/shared-subscription-results.js';

const LENGTHS = [0, 1, 125, 126, 1000, 65_535, 65_536, 200_000];

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => {
    // Each message as a frame written straight to the TCP socket, between two sent by ws: order and framing hold.
    socket.send('first');
    for (const length of LENGTHS) request.socket.write(textFrame(Buffer.from('é'.repeat(length / 2) + 'x'.repeat(length % 2))).whole);
    socket.send('last');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('textFrame', () => {
  it('reads as the same text messages at every length, in order with the ones ws sends', async () => {
    const client = new WebSocket(url);
    const messages: { text: string; binary: boolean }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('message', (data, binary) => {
        messages.push({ text: data.toString(), binary });
        if (messages.length === LENGTHS.length + 2) resolve();
      });
    });
    client.close();
    expect(messages.map((m) => m.binary)).toEqual(Array(LENGTHS.length + 2).fill(false));
    expect(messages.map((m) => m.text)).toEqual(['first', ...LENGTHS.map((length) => 'é'.repeat(length / 2) + 'x'.repeat(length % 2)), 'last']);
  });

  it('keeps the message alone as a view of the frame, for a connection ws must frame itself', () => {
    const message = Buffer.from('{"id":"1","type":"next","payload":{}}');
    const frame = textFrame(message);
    expect(frame.message.equals(message)).toBe(true);
    expect(frame.whole.length).toBe(message.length + 2);
  });
});
