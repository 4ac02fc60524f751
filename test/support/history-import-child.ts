/**
 * Child process for the background-import tests: opens a history with its JSON Lines file
 * imported in the background, as sign-in does, and prints each progress report as a JSON
 * line, so the test can kill -9 it in the middle of the import.
 */
import { MessageHistory } from '../../core/store/history';

const [dir, account] = process.argv.slice(2);
const history = new MessageHistory(dir, account, undefined, {
  importInBackground: true,
  indexInBackground: false,
  onImport: (progress) => {
    process.stdout.write(`${JSON.stringify(progress)}\n`);
    if (progress.done || progress.error) history.close();
  },
});
process.stdout.write(`${JSON.stringify({ opened: true, messages: history.loadReport.messages })}\n`);
