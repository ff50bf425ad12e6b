/** Which panels and dialogs are open, and the question the person is being asked, if any. */
import { create } from 'zustand';

export type Dialog = 'open' | 'new' | 'help' | undefined;

export interface Question {
  readonly title: string;
  readonly text: string;
  /** The label of the button that goes ahead (the other one cancels). */
  readonly confirm: string;
  readonly resolve: (yes: boolean) => void;
}

export interface UiState {
  readonly dialog: Dialog;
  readonly question: Question | undefined;
}

export const useUi = create<UiState>()(() => ({
  dialog: undefined,
  question: undefined,
}));

export function openDialog(dialog: Dialog): void {
  useUi.setState({ dialog });
}

export function closeDialog(): void {
  useUi.setState({ dialog: undefined });
}

/** Asks the person a yes/no question in a dialog; resolves with the answer. */
export function ask(title: string, text: string, confirm: string): Promise<boolean> {
  return new Promise((resolve) => {
    useUi.getState().question?.resolve(false);
    useUi.setState({
      question: {
        title,
        text,
        confirm,
        resolve: (yes) => {
          useUi.setState({ question: undefined });
          resolve(yes);
        },
      },
    });
  });
}
