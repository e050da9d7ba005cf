import { Link } from 'react-router-dom';
import type { Phase } from '../../../domain/model';
import { useMonitoringWords } from '../monitoring/words';

/** Phases of a signed agreement: the household has its lookup code from then on. */
const SIGNED: readonly Phase[] = [
  'installment-release',
  'milestone-inspection',
  'final-acceptance',
  'archiving',
  'archived',
];

/** The link to the printable lookup slip, once the agreement is signed. */
export function StatusSlipLink({ householdId, phase }: { householdId: string; phase: Phase }) {
  const { w } = useMonitoringWords();
  if (!SIGNED.includes(phase)) return null;
  return (
    <Link to={`/households/${householdId}/status-slip`} data-testid="status-slip-link">
      {w('slipLink')}
    </Link>
  );
}
