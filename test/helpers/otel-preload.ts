/**
 * Registers the OpenTelemetry SDK in a spawned `tessera serve`, as an
 * operator's `--import` file would (docs/deployment.md), with the SDK's
 * in-memory exporter; each span it finishes is also appended to the file
 * TESSERA_TEST_SPANS names, one JSON line each, for the test to read.
 */
import { appendFileSync } from 'node:fs';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const file = process.env.TESSERA_TEST_SPANS;
if (file === undefined) throw new Error('TESSERA_TEST_SPANS is not set');

class FileBackedExporter extends InMemorySpanExporter {
  override export(spans: ReadableSpan[], done: Parameters<InMemorySpanExporter['export']>[1]): void {
    for (const span of spans) {
      const context = span.spanContext();
      appendFileSync(file!, `${JSON.stringify({
        name: span.name,
        kind: span.kind,
        traceId: context.traceId,
        spanId: context.spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        status: span.status,
        pid: process.pid,
      })}\n`);
    }
    super.export(spans, done);
  }
}

new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new FileBackedExporter())] }).register();
