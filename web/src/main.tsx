import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StudyApp } from './study/StudyApp';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// Participants of a study (/study/<slug>) never log in: their pages have a client of their own.
const study = /^\/study\/([^/]+)\/?$/.exec(window.location.pathname);

createRoot(root).render(
  <StrictMode>{study?.[1] ? <StudyApp slug={decodeURIComponent(study[1])} /> : <App />}</StrictMode>,
);
