// The StarRocks adapter: `StarRocksConnector` on mysql2/promise (see client.ts for the syntax
// supported per version, errors.ts for how failures are classified).

import type { StarRocksConnector } from '../../src/ports';
import { MysqlStarRocksClient } from './client';

export const mysqlStarRocksConnector: StarRocksConnector = {
  connect: (conn) => new MysqlStarRocksClient(conn),
};

export { MysqlStarRocksClient, parseVersion } from './client';
export { starRocksText, toOutsideError } from './errors';
