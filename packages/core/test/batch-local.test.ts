/**
 * The delayed-submission seam's reference implementation, the local batch
 * runner, against the seam's conformance suite.
 */
import { runBatchSubmitterContract } from '@weft/core/testing';
import { createLocalBatchSubmitter, type LocalBatchSubmitter } from '@weft/core/worker';

runBatchSubmitterContract({
  name: 'local',
  create: (context) => createLocalBatchSubmitter(context),
  outcomes: (submitter) => (submitter as LocalBatchSubmitter).outcomes(),
});
