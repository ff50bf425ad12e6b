import { useUi } from '../../state/ui';
import { ConfirmDialog } from './ConfirmDialog';
import { HelpDialog } from './HelpDialog';
import { NewDialog } from './NewDialog';
import { OpenDialog } from './OpenDialog';

/** Whichever dialog is open, and above it the question being asked, if any. */
export function Dialogs() {
  const dialog = useUi((s) => s.dialog);
  return (
    <>
      {dialog === 'new' && <NewDialog />}
      {dialog === 'open' && <OpenDialog />}
      {dialog === 'help' && <HelpDialog />}
      <ConfirmDialog />
    </>
  );
}
