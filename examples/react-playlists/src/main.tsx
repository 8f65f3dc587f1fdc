import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Settee } from '@settee/core';
import { createHttpAdapter } from '@settee/http/fetch';
import { SetteeProvider } from '@settee/react';
import { App } from './app.js';

/** Same-origin path where the dev or preview server forwards CouchDB's API to the settee-server. */
const COUCH_PATH = '/couch/';
const DATABASE = 'playlists';

const root = createRoot(document.getElementById('root')!);
root.render(<p>Connecting…</p>);

try {
  const settee = await Settee.open(createHttpAdapter({ url: new URL(COUCH_PATH, window.location.href).href }), DATABASE, { create: false });
  root.render(
    <StrictMode>
      <SetteeProvider settee={settee}>
        <App />
      </SetteeProvider>
    </StrictMode>,
  );
} catch (error) {
  root.render(<p role="alert">Could not reach the database: {error instanceof Error ? error.message : String(error)}</p>);
}
