import { presenceWatchSuite } from './presence-watch.suite';

presenceWatchSuite('single-node');
