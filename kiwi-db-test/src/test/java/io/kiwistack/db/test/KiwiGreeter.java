package io.kiwistack.db.test;

import org.springframework.stereotype.Service;

/**
 * An application component that is not about the database, which {@link KiwiDbTest @KiwiDbTest}
 * leaves out.
 */
@Service
class KiwiGreeter {

}
