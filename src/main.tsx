import './ui/styles/app.css';
import { startApp } from './app/start.tsx';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
void startApp(container);
