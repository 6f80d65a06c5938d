/**
 * PUT /v2.1/{tenant_id}/servers/{server_id} (Update Server): the cases of fixtures/nova/servers-update.cases.yaml,
 * each at the microversion boundaries inside its range and the target's (engine/targets/nova).
 */
import { defineConformanceSuite } from '../../engine/suite.ts';
import { novaTarget } from '../../engine/targets/nova/index.ts';

defineConformanceSuite(novaTarget);
