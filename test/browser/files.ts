// Dataset files the browser tests upload: a valid chat dataset big enough to watch its upload progress,
// and a broken one with a known problem on known lines.

function chat(n: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are the support assistant of BrightRun, a LoRA fine-tuning platform.' },
      { role: 'user', content: `Question ${n}: how does the LoRA rank change what an adapter of ${n % 7} layers can learn, and what does it cost?` },
      {
        role: 'assistant',
        content: `Answer ${n}: a higher rank gives the adapter more trainable parameters, so it can learn more detail from your examples, at the price of memory and time. For most chat datasets rank 16 is a sound start; raise it when the validation loss stops improving early.`,
      },
    ],
  });
}

/** About 600 bytes per example. */
export function validDataset(examples: number): Buffer {
  return Buffer.from(`${Array.from({ length: examples }, (_, i) => chat(i + 1)).join('\n')}\n`);
}

/** Problems on lines 3 (bad JSON), 5 (bad role), 7 (no assistant message) and 9 (empty content). */
export function brokenDataset(): Buffer {
  const lines = Array.from({ length: 16 }, (_, i) => chat(i + 1));
  lines[2] = '{"messages": [{"role": "user", "content": "unterminated';
  lines[4] = JSON.stringify({
    messages: [
      { role: 'robot', content: 'beep' },
      { role: 'assistant', content: 'boop' },
    ],
  });
  lines[6] = JSON.stringify({ messages: [{ role: 'user', content: 'Is anyone there?' }] });
  lines[8] = JSON.stringify({
    messages: [
      { role: 'user', content: '   ' },
      { role: 'assistant', content: 'Nothing was asked.' },
    ],
  });
  return Buffer.from(`${lines.join('\n')}\n`);
}

export const BROKEN_LINES = { INVALID_JSON: 3, INVALID_ROLE: 5, NO_ASSISTANT_MESSAGE: 7, EMPTY_CONTENT: 9 } as const;
