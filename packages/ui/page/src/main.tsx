/**
 * @module
 * The page's entry: keeps the token from the address, then draws the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { captureToken } from './api/token.ts';
import './styles.css';

captureToken();
const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
