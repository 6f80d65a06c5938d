/**
 * PATCH /api/v1/namespaces/{namespace}/pods/{name}: the cases of fixtures/k8s/pods-patch.cases.yaml, each once
 * per patch type it gives, on a pod of its own (engine/targets/k8s).
 */
import { defineConformanceSuite } from '../../engine/suite.ts';
import { k8sTarget } from '../../engine/targets/k8s/index.ts';

defineConformanceSuite(k8sTarget);
