package io.kiwistack.db.test;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;
import org.springframework.test.context.TestContextBootstrapper;

/**
 * {@link TestContextBootstrapper} for {@link KiwiDbTest @KiwiDbTest}.
 */
class KiwiDbTestContextBootstrapper extends TestSliceTestContextBootstrapper<KiwiDbTest> {

}
