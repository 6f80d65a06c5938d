/**
 * PUT /v2.1/{tenant_id}/servers/{server_id} (Update Server) — document shared/seeds/004_bf554c4f5f4b9a7c.txt.
 * Every case (fixtures/nova/servers-update.cases.yaml) runs at each microversion boundary inside its range.
 */
import { loadCaseFile } from '../../engine/cases/load.ts';
import { loadConfig, loadEnv } from '../../engine/config/index.ts';
import { SchemaRegistry } from '../../engine/schemas.ts';
import { defineConformanceSuite } from '../../engine/suite.ts';
import { addNovaSchemas, type ServerCase, serversUpdateAdapter, serverVariants } from '../../engine/targets/nova/servers-update.ts';
import { openNovaSession } from '../../engine/targets/nova/session.ts';

const schemas = new SchemaRegistry();
const schemaTable = addNovaSchemas(schemas);
const config = loadConfig(loadEnv());
// The variants depend on the target's microversion range, so the session opens while tests are collected.
const session = await openNovaSession(config);

defineConformanceSuite<ServerCase>({
  title: 'nova.servers.update',
  variants: serverVariants(loadCaseFile<ServerCase>('nova/servers-update.cases.yaml', 'nova/case.schema.json').cases, session.range),
  schemas,
  async open() {
    return {
      adapter: serversUpdateAdapter(session, schemaTable),
      info: {
        suite: 'nova.servers.update',
        url: session.client.endpoint,
        version: `compute microversions ${session.range.min}–${session.range.max}${session.targetMax !== session.range.max ? ` (target max ${session.targetMax}, capped)` : ''}`,
        details: {
          auth: config.nova?.credentials.authType ?? '',
          config: config.nova?.origin ?? '',
          'second project': session.alt ? 'configured' : 'not configured (cross-project cases skipped)',
          servers: config.nova?.serverIds.length ? `${config.nova.serverIds.length} given` : 'created by the run',
        },
        insecure: config.nova?.insecure,
      },
      close: () => session.close(),
    };
  },
});
