import { presenceWatchSuite } from './presence-watch.suite';

presenceWatchSuite('redis');
