// Baseline of row 3: a bare BullMQ worker making the same streaming openai call as Parley's worker.
import { Worker } from 'bullmq';
import OpenAI from 'openai';

const [redisUrl, prefix, baseURL, concurrency] = process.argv.slice(2);
const openai = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
const worker = new Worker(
  'bench-chat',
  async (job) => {
    const stream = await openai.chat.completions.create({
      model: 'test-model',
      messages: job.data.messages,
      max_tokens: 1024,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return { text };
  },
  { connection: { url: redisUrl }, prefix, concurrency: Number(concurrency) },
);
worker.waitUntilReady().then(() => console.log('worker ready'));
process.on('SIGTERM', () => worker.close().then(() => process.exit(0)));
