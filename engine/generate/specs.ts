/**
 * The suites engine/generate can generate, by short name. The one place that names the targets' generation specs
 * (index.ts imports nothing else of theirs), so it can become a lookup in the target registry.
 */
import { k8sGeneration } from '../targets/k8s/generate.ts';
import { novaGeneration } from '../targets/nova/generate.ts';

// Key order is the order familyByName searches (and lists) families in.
export const GENERATION_SPECS = { k8s: k8sGeneration, nova: novaGeneration };
