import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bothBackends, type TestStore } from '../support/store.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe.each(bothBackends)('liveLeases ($name)', ({ make }) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await make();
  });
  afterAll(() => ts.cleanup());

  it('lists the unexpired leases under a prefix, exactly', async () => {
    const s = ts.store;
    await s.acquireLease('instance:a', 'a', 1_000, T0);
    await s.acquireLease('instance:b', 'b', 5_000, T0);
    await s.acquireLease('Instance:c', 'c', 5_000, T0);
    await s.acquireLease('instance_d', 'd', 5_000, T0);
    await s.acquireLease('poll:hubspot', 'a', 5_000, T0);
    expect((await s.liveLeases('instance:', at(500))).map((l) => l.owner)).toEqual(['a', 'b']);
    const later = await s.liveLeases('instance:', at(1_000));
    expect(later).toEqual([{ name: 'instance:b', owner: 'b', until: at(5_000) }]);
    await s.releaseLease('instance:b', 'b');
    expect(await s.liveLeases('instance:', at(1_000))).toEqual([]);
  });
});
