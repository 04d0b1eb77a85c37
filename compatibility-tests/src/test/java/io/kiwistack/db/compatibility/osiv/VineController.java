package io.kiwistack.db.compatibility.osiv;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * A controller written as services write them with open-in-view: it finds what a request is about,
 * then changes it, with no transaction of its own around the two.
 */
@RestController
class VineController {

	private final Vines vines;

	private final Harvests harvests;

	private final Pruning pruning;

	VineController(Vines vines, Harvests harvests, Pruning pruning) {
		this.vines = vines;
		this.harvests = harvests;
		this.pruning = pruning;
	}

	@GetMapping("/vines/{id}")
	String name(@PathVariable long id) {
		return find(id).getName();
	}

	@PostMapping("/vines/{id}/harvests")
	@ResponseStatus(HttpStatus.CREATED)
	String harvest(@PathVariable long id, @RequestParam int kilograms) {
		Vine vine = find(id);
		return String.valueOf(this.harvests.save(new Harvest(vine.getId(), kilograms)).getId());
	}

	@PutMapping("/vines/{id}")
	String rename(@PathVariable long id, @RequestParam String name) {
		Vine vine = find(id);
		vine.rename(name);
		return this.vines.save(vine).getName();
	}

	@PostMapping("/vines/{id}/pruning")
	String prune(@PathVariable long id) {
		find(id);
		this.pruning.prune(id);
		return "pruned";
	}

	private Vine find(long id) {
		return this.vines.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
	}

}
