// A connector's health as the API answers it: read from its last sync, never green without one.
import { describe, expect, it } from 'vitest';
import { createAzure, syncNow } from '../helpers/azure.js';
import { azureEngineEachTest } from '../helpers/azure-engine.js';
import { HOUR } from '../helpers/engine.js';

const azure = azureEngineEachTest();

const connector = async (id: string) => (await azure.app.request('GET', `/api/v1/connectors/${id}`)).body;

describe('connector health', () => {
  it('is unknown, not ok, before the first sync', async () => {
    const c = await createAzure(azure.app, azure.fake);
    expect(c).toMatchObject({ health: 'unknown', health_detail: null, health_checked_at: null });
    expect(await connector(c.id)).toMatchObject({ health: 'unknown', health_detail: null, health_checked_at: null });
    const listed = (await azure.app.request('GET', '/api/v1/connectors')).body.items.find((x: any) => x.id === c.id);
    expect(listed.health).toBe('unknown');
  });

  it('is failing with Azure’s error when the sync is refused, and ok after a good sync', async () => {
    azure.fake.secretState = 'expired';
    const c = await createAzure(azure.app, azure.fake);
    const run = await syncNow(azure.app, c.id);
    expect(run.status).toBe('failed');
    const failing = await connector(c.id);
    expect(failing).toMatchObject({ health: 'failing', health_checked_at: run.finished_at });
    expect(failing.health_detail).toContain('AADSTS7000222');

    azure.app.clock.advance(HOUR);
    azure.fake.secretState = 'valid';
    const good = await syncNow(azure.app, c.id);
    expect(good.status).toBe('succeeded');
    expect(await connector(c.id)).toMatchObject({ health: 'ok', health_detail: null, health_checked_at: good.finished_at });
  });

  it('is failing when a vault answers errors, naming the vault, though the others synced', async () => {
    azure.fake.vault('swaggerExample').fail = { status: 500, code: 'InternalServerError', message: 'The server encountered an internal error.' };
    const c = await createAzure(azure.app, azure.fake);
    const run = await syncNow(azure.app, c.id);
    expect(run.status).toBe('partial');
    const failing = await connector(c.id);
    expect(failing.health).toBe('failing');
    expect(failing.health_detail).toContain('vault swaggerExample');
  });
});
