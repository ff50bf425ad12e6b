import { useRef } from 'react';
import { useUi } from '../../state/ui';
import { Modal } from './Modal';

/** The yes/no question the app is asking (`ask()`), if any: Cancel, or the question's own go-ahead. */
export function ConfirmDialog() {
  const question = useUi((s) => s.question);
  const cancel = useRef<HTMLButtonElement>(null);
  if (!question) return null;
  const no = () => {
    question.resolve(false);
  };
  return (
    <Modal
      // A new question is a new dialog (focus moves in again).
      key={`${question.title}\u0000${question.text}`}
      title={question.title}
      onClose={no}
      size="sm"
      role="alertdialog"
      closeButton={false}
      initialFocus={cancel}
      testId="confirm-dialog"
      footer={
        <>
          <button ref={cancel} type="button" className="dlg-button" onClick={no}>
            Cancel
          </button>
          <button
            type="button"
            className="dlg-button dlg-button-danger"
            onClick={() => {
              question.resolve(true);
            }}
          >
            {question.confirm}
          </button>
        </>
      }
    >
      <p className="dlg-text">{question.text}</p>
    </Modal>
  );
}
