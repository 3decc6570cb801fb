// A test file's setting for the Azure connector: before each test a fresh engine (manual clock) and
// a FakeAzure holding the published examples; both closed after it.
import { afterEach, beforeEach } from 'vitest';
import { type EngineApp, startEngine } from './engine.js';
import { FakeAzure } from './fake-azure.js';
import { loadExamples } from './fake-azure-data.js';

export interface AzureEngine {
  app: EngineApp;
  fake: FakeAzure;
}

/** Registers the hooks; the answer's fields are the current test's app and fake. */
export function azureEngineEachTest(start = '2026-11-20T06:00:00Z'): AzureEngine {
  const ctx = {} as AzureEngine;
  beforeEach(async () => {
    ctx.app = await startEngine(start);
    ctx.fake = await FakeAzure.start();
    loadExamples(ctx.fake, ctx.app.clock.now());
  });
  afterEach(async () => {
    await ctx.app?.close();
    await ctx.fake?.close();
  });
  return ctx;
}
