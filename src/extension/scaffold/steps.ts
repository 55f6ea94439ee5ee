// A guided flow of quick picks and input boxes with one title and a step counter ("Scaffold ML Feature (3/9)"), a Back
// button, and Escape that ends the whole flow. What the flow knows — the answers, kept when going Back and forward
// again, and the way through the steps — is a FlowState (core/scaffold/flowState.ts); here the steps are shown, each
// with its answer so far: the input box holds it, the quick pick has its item active. As in VS Code's multi-step input
// sample, an answered step's input stays on screen, busy, until the next step's replaces it: the quick input does not
// close and open again between steps.
import * as vscode from 'vscode';
import type { FlowState } from '../../core/scaffold/flowState';

export type StepResult = 'next' | 'back' | 'cancel';

/** What a step shows: its place in the flow, whether Back is possible, and the inputs of the flow. */
export interface StepUi {
  title: string;
  step: number;
  totalSteps: number;
  canBack: boolean;
  inputs: StepInputs;
}

/** The flow's input on screen: one at a time, each replacing the last. */
export class StepInputs {
  private current: vscode.QuickInput | undefined;
  private watching: vscode.Disposable | undefined;
  /** The user pressed Escape on an answered step's input while the next step was getting ready. */
  private closedByUser = false;

  /** Shows `input` in place of the one on screen; false (and `input` disposed) when the user closed the flow meanwhile. */
  show(input: vscode.QuickInput): boolean {
    this.stopWatching();
    if (this.closedByUser) {
      input.dispose();
      return false;
    }
    input.show();
    this.current?.dispose();
    this.current = input;
    return true;
  }

  /** `input` was answered: it stays, disabled and busy, until the next step shows its own; Escape on it ends the flow. */
  wait(input: vscode.QuickInput): void {
    if (input !== this.current) return;
    input.enabled = false;
    input.busy = true;
    this.stopWatching();
    this.watching = input.onDidHide(() => {
      this.closedByUser = true;
    });
  }

  /** Closes the input on screen (before a dialog that shows its own). */
  close(): void {
    this.stopWatching();
    this.current?.dispose();
    this.current = undefined;
  }

  private stopWatching(): void {
    this.watching?.dispose();
    this.watching = undefined;
  }
}

/**
 * Runs the flow's steps in order, `run` showing each; true when all ran to the end, false when the user pressed
 * Escape. Back returns to the step answered before, which shows its answer.
 */
export async function runSteps<A extends object>(title: string, flow: FlowState<A>, run: (id: string, ui: StepUi) => Promise<StepResult>): Promise<boolean> {
  const inputs = new StepInputs();
  try {
    for (let step = flow.current; step; step = flow.current) {
      const { step: n, total } = flow.position();
      const result = await run(step.id, { title, step: n, totalSteps: total, canBack: n > 1, inputs });
      if (result === 'cancel') return false;
      if (result === 'back') flow.back();
      else flow.next();
    }
    return true;
  } finally {
    inputs.close();
  }
}

function titled(input: vscode.QuickInput, ui: StepUi): void {
  input.title = ui.title;
  input.step = ui.step;
  input.totalSteps = ui.totalSteps;
  input.ignoreFocusOut = true;
}

export type Picked<T> = { kind: 'item'; item: T } | { kind: 'back' } | { kind: 'cancel' };

/** One quick pick step; `active` is the item of the answer so far (or of the default), which Enter accepts. */
/**
 * One quick pick step. `blocked` says why an item cannot be taken (shown in place of the placeholder when it is
 * picked anyway, the step staying open), or undefined.
 */
export function pickOne<T extends vscode.QuickPickItem>(ui: StepUi, options: { placeholder: string; items: readonly T[]; active?: T; blocked?: (item: T) => string | undefined }): Promise<Picked<T>> {
  const quick = vscode.window.createQuickPick<T>();
  titled(quick, ui);
  quick.placeholder = options.placeholder;
  quick.items = options.items;
  quick.matchOnDescription = true;
  quick.matchOnDetail = true;
  if (options.active) quick.activeItems = [options.active];
  if (ui.canBack) quick.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<Picked<T>>((resolve) => {
    const listeners: vscode.Disposable[] = [];
    let done = false;
    const finish = (p: Picked<T>) => {
      if (done) return;
      done = true;
      for (const l of listeners) l.dispose();
      if (p.kind !== 'cancel') ui.inputs.wait(quick);
      resolve(p);
    };
    listeners.push(
      quick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' })),
      quick.onDidAccept(() => {
        const item = quick.selectedItems[0] ?? quick.activeItems[0];
        const why = item ? options.blocked?.(item) : undefined;
        if (why !== undefined) quick.placeholder = why;
        else if (item) finish({ kind: 'item', item });
      }),
      quick.onDidHide(() => finish({ kind: 'cancel' })),
    );
    if (!ui.inputs.show(quick)) finish({ kind: 'cancel' });
  });
}

/** What an input box step gave: the value accepted, or Back with the text in the box then. */
export type Typed = { kind: 'value'; value: string } | { kind: 'back'; value: string } | { kind: 'cancel' };

/**
 * One input box step, holding `value` (the answer so far, or the default); `validate` returns the problem shown under
 * the box, or undefined. `check`, when given, looks further (the disk) for a value `validate` accepts: its problem is
 * shown when it arrives, and Enter waits for it.
 */
export function typeOne(
  ui: StepUi,
  options: { prompt: string; value?: string; placeholder?: string; validate: (value: string) => string | undefined; check?: (value: string) => Promise<string | undefined> },
): Promise<Typed> {
  const box = vscode.window.createInputBox();
  titled(box, ui);
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder ?? options.prompt;
  if (ui.canBack) box.buttons = [vscode.QuickInputButtons.Back];
  const checked = async (value: string): Promise<string | undefined> => (options.check ? options.check(value).catch(() => undefined) : undefined);
  const problemOf = async (value: string): Promise<string | undefined> => options.validate(value) ?? (await checked(value));
  // An empty box that opened empty says nothing until something is typed or Enter is pressed: a step must not open
  // on an error. A box that opens with an answer says at once what is wrong with it (a name another language refuses).
  const check = () => {
    const value = box.value;
    if (value === '' && !options.value) {
      box.validationMessage = undefined;
      return;
    }
    box.validationMessage = options.validate(value);
    if (!box.validationMessage && options.check) {
      void checked(value).then((problem) => {
        if (box.value === value) box.validationMessage = problem;
      });
    }
  };
  return new Promise<Typed>((resolve) => {
    const listeners: vscode.Disposable[] = [];
    let done = false;
    const finish = (t: Typed) => {
      if (done) return;
      done = true;
      for (const l of listeners) l.dispose();
      if (t.kind !== 'cancel') ui.inputs.wait(box);
      resolve(t);
    };
    listeners.push(
      box.onDidChangeValue(check),
      box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back', value: box.value })),
      box.onDidAccept(() => {
        const value = box.value;
        box.busy = true;
        void problemOf(value).then((problem) => {
          if (done) return;
          box.busy = false;
          if (box.value !== value) return;
          box.validationMessage = problem;
          if (!problem) finish({ kind: 'value', value });
        });
      }),
      box.onDidHide(() => finish({ kind: 'cancel' })),
    );
    if (!ui.inputs.show(box)) return finish({ kind: 'cancel' });
    check();
  });
}
