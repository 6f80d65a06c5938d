/** The Update Server URL forms (engine/targets/nova/url-forms.ts): with, without and with a wrong project id. */
import { describe, expect, test } from 'vitest';
import { computeRoot, endpointProjectId, updateBase, urlFormSkipReason } from '../engine/targets/nova/url-forms.ts';

const PID = '0123456789abcdef0123456789abcdef';

describe('Nova URL forms', () => {
  test('the root and the project id of an endpoint with and without one', () => {
    expect(computeRoot(`http://nova:8774/v2.1/${PID}/`)).toBe('http://nova:8774/v2.1');
    expect(computeRoot('http://nova:8774/v2.1')).toBe('http://nova:8774/v2.1');
    expect(endpointProjectId(`http://nova:8774/v2.1/${PID}`)).toBe(PID);
    expect(endpointProjectId('http://nova:8774/v2.1')).toBeUndefined();
  });

  test('each form from either kind of endpoint', () => {
    for (const endpoint of ['http://nova:8774/v2.1', `http://nova:8774/v2.1/${PID}`]) {
      expect(updateBase('none', endpoint, PID)).toBe('http://nova:8774/v2.1');
      expect(updateBase('own', endpoint, PID)).toBe(`http://nova:8774/v2.1/${PID}`);
      expect(updateBase('own-upper-case', endpoint, PID)).toBe(`http://nova:8774/v2.1/${PID.toUpperCase()}`);
      expect(updateBase('endpoint', endpoint, PID)).toBe(endpoint);
      const other = updateBase('other', endpoint, PID).split('/').pop();
      expect(other).toMatch(/^[0-9a-f]{32}$/);
      expect(other).not.toBe(PID);
    }
  });

  test('the forms that need the token project are skipped without one, saying what to set', () => {
    expect(urlFormSkipReason('own', undefined)).toContain('OS_PROJECT_ID');
    expect(urlFormSkipReason('own', PID)).toBeUndefined();
    expect(urlFormSkipReason('other', undefined)).toBeUndefined();
    expect(urlFormSkipReason('own-upper-case', '0123456789')).toContain('no lower-case letter');
  });
});
