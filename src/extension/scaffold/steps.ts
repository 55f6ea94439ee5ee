// A guided flow of quick picks and input boxes with one title ("Scaffold ML Feature (3/9)"), a Back button, and
// Escape that ends the whole flow. Steps that do not apply to the answers so far are skipped in both directions.
import * as vscode from 'vscode';

export type StepResult = 'next' | 'back' | 'cancel';

export interface Step<S> {
  /** Whether the step applies to the answers so far (default: always). */
  when?: (state: S) => boolean;
  run: (state: S, ui: StepUi) => Promise<StepResult>;
}

/** What a step shows: its place in the flow and whether Back is possible. */
export interface StepUi {
  title: string;
  canBack: boolean;
}

/** Runs the steps in order; true when all ran to the end, false when the user pressed Escape. */
export async function runSteps<S>(title: string, steps: readonly Step<S>[], state: S): Promise<boolean> {
  let i = 0;
  const history: number[] = [];
  while (i < steps.length) {
    const step = steps[i] as Step<S>;
    if (step.when && !step.when(state)) {
      i++;
      continue;
    }
    const applicable = steps.filter((s) => !s.when || s.when(state)).length;
    const ui: StepUi = { title: `${title} (${history.length + 1}/${Math.max(applicable, history.length + 1)})`, canBack: history.length > 0 };
    const result = await step.run(state, ui);
    if (result === 'cancel') return false;
    if (result === 'back') {
      const prev = history.pop();
      if (prev !== undefined) i = prev;
      continue;
    }
    history.push(i);
    i++;
  }
  return true;
}

export type Picked<T> = { kind: 'item'; item: T } | { kind: 'back' } | { kind: 'cancel' };

/** One quick pick step. */
export function pickOne<T extends vscode.QuickPickItem>(ui: StepUi, options: { placeholder: string; items: readonly T[]; active?: T }): Promise<Picked<T>> {
  const quick = vscode.window.createQuickPick<T>();
  quick.title = ui.title;
  quick.placeholder = options.placeholder;
  quick.items = options.items;
  quick.ignoreFocusOut = true;
  quick.matchOnDescription = true;
  quick.matchOnDetail = true;
  if (options.active) quick.activeItems = [options.active];
  if (ui.canBack) quick.buttons = [vscode.QuickInputButtons.Back];
  return new Promise<Picked<T>>((resolve) => {
    let done = false;
    const finish = (p: Picked<T>) => {
      if (done) return;
      done = true;
      resolve(p);
      quick.dispose();
    };
    quick.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' }));
    quick.onDidAccept(() => {
      const item = quick.selectedItems[0] ?? quick.activeItems[0];
      if (item) finish({ kind: 'item', item });
    });
    quick.onDidHide(() => finish({ kind: 'cancel' }));
    quick.show();
  });
}

export type Typed = { kind: 'value'; value: string } | { kind: 'back' } | { kind: 'cancel' };

/**
 * One input box step; `validate` returns the problem shown under the box, or undefined. `check`, when given, looks
 * further (the disk) for a value `validate` accepts: its problem is shown when it arrives, and Enter waits for it.
 */
export function typeOne(
  ui: StepUi,
  options: { prompt: string; value?: string; placeholder?: string; validate: (value: string) => string | undefined; check?: (value: string) => Promise<string | undefined> },
): Promise<Typed> {
  const box = vscode.window.createInputBox();
  box.title = ui.title;
  box.prompt = options.prompt;
  box.value = options.value ?? '';
  box.placeholder = options.placeholder ?? options.prompt;
  box.ignoreFocusOut = true;
  if (ui.canBack) box.buttons = [vscode.QuickInputButtons.Back];
  const checked = async (value: string): Promise<string | undefined> => (options.check ? options.check(value).catch(() => undefined) : undefined);
  const problemOf = async (value: string): Promise<string | undefined> => options.validate(value) ?? (await checked(value));
  // An empty box that opened empty says nothing until something is typed or Enter is pressed: a step must not open
  // on an error.
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
    let done = false;
    const finish = (t: Typed) => {
      if (done) return;
      done = true;
      resolve(t);
      box.dispose();
    };
    box.onDidChangeValue(check);
    box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' }));
    box.onDidAccept(() => {
      const value = box.value;
      box.busy = true;
      void problemOf(value).then((problem) => {
        box.busy = false;
        if (box.value !== value) return;
        box.validationMessage = problem;
        if (!problem) finish({ kind: 'value', value });
      });
    });
    box.onDidHide(() => finish({ kind: 'cancel' }));
    box.show();
    check();
  });
}
